package lang

import "testing"

func TestNormalize(t *testing.T) {
	for tag, want := range map[string]string{
		"": English, "en": English, "en-US": English, "fr": English, "zhx": English, "z": English,
		"zh": Chinese, "ZH": Chinese, " zh ": Chinese, "zh-CN": Chinese, "zh_TW": Chinese, "zh-Hans-CN": Chinese,
	} {
		if got := Normalize(tag); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", tag, got, want)
		}
	}
}
