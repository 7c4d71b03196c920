package config

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"30s", 30 * time.Second, false},
		{"1h30m", 90 * time.Minute, false},
		{"90d", 90 * 24 * time.Hour, false},
		{"0d", 0, false},
		{"d", 0, true},
		{"1.5d", 0, true},
		{"-3d", 0, true},
		{"99999999d", 0, true},
		{"soon", 0, true},
	}
	for _, tt := range tests {
		var d Duration
		err := d.UnmarshalText([]byte(tt.in))
		if (err != nil) != tt.wantErr || (err == nil && d.Std() != tt.want) {
			t.Errorf("Duration(%q) = %v, %v; want %v, error %v", tt.in, d.Std(), err, tt.want, tt.wantErr)
		}
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		in      string
		want    Rate
		wantErr bool
	}{
		{"20/1m", Rate{20, time.Minute}, false},
		{"5/s", Rate{5, time.Second}, false},
		{" 100 / 1h ", Rate{100, time.Hour}, false},
		{"30/1d", Rate{30, 24 * time.Hour}, false},
		{"", Rate{}, false},
		{"20", Rate{}, true},
		{"0/1m", Rate{}, true},
		{"-1/1m", Rate{}, true},
		{"x/1m", Rate{}, true},
		{"20/0s", Rate{}, true},
		{"20/fast", Rate{}, true},
	}
	for _, tt := range tests {
		var r Rate
		err := r.UnmarshalText([]byte(tt.in))
		if (err != nil) != tt.wantErr || (err == nil && r != tt.want) {
			t.Errorf("Rate(%q) = %v, %v; want %v, error %v", tt.in, r, err, tt.want, tt.wantErr)
		}
	}
	if got := (Rate{20, time.Minute}).String(); got != "20/1m0s" {
		t.Errorf("String() = %q", got)
	}
}
