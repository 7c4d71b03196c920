package commands

import "testing"

func TestParseIdentity(t *testing.T) {
	tests := []struct {
		in      string
		want    Identity
		wantErr bool
	}{
		{in: "slack:U012AB3CD", want: Identity{"slack", "U012AB3CD"}},
		{in: " WeCom:zhangsan ", want: Identity{"wecom", "zhangsan"}},
		{in: "cli:alice", want: Identity{"cli", "alice"}},
		{in: "slack", wantErr: true},
		{in: ":U1", wantErr: true},
		{in: "slack:", wantErr: true},
		{in: "*:x", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseIdentity(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseIdentity(%q) err = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseIdentity(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if !tt.wantErr && got.String() != got.Platform+":"+got.ID {
			t.Errorf("String() = %q", got.String())
		}
	}
}

func TestACLAllows(t *testing.T) {
	alice := Identity{"slack", "UALICE"}
	bob := Identity{"slack", "UBOB"}
	zhang := Identity{"wecom", "zhangsan"}
	carol := Identity{"wecom", "carol"}
	operator := Identity{"cli", "root"}

	acl := &ACL{
		Read:  []string{"*"},
		Write: []string{"slack:UALICE", "wecom:zhangsan"},
		Rules: []Rule{
			{Repos: []string{"secret/*"}, Read: []string{"slack:UALICE"}},
			{Repos: []string{"ops/deploy"}, Write: []string{"slack:UBOB"}},
			{Repos: []string{"prod/*"}, Deploy: []string{"wecom:*"}},
		},
	}
	withDeploy := &ACL{Read: []string{"*"}, Write: []string{"slack:UALICE"}, Deploy: []string{"slack:UBOB"}}
	noRead := &ACL{Write: []string{"slack:UALICE"}}
	locked := &ACL{Read: []string{"slack:UALICE"}}

	tests := []struct {
		name  string
		acl   *ACL
		who   Identity
		class Class
		repo  string
		want  bool
	}{
		{"read star", acl, bob, Read, "octo/demo", true},
		{"read without repo", acl, carol, Read, "", true},
		{"write listed", acl, alice, Write, "octo/demo", true},
		{"write listed wecom", acl, zhang, Write, "octo/demo", true},
		{"write not listed", acl, bob, Write, "octo/demo", false},
		{"deploy empty means write", acl, alice, Deploy, "octo/demo", true},
		{"deploy empty means write, refused", acl, bob, Deploy, "octo/demo", false},
		{"rule restricts read", acl, bob, Read, "secret/keys", false},
		{"rule allows its reader", acl, alice, Read, "secret/keys", true},
		{"rule leaves write alone", acl, zhang, Write, "secret/keys", true},
		{"rule replaces write", acl, bob, Write, "ops/deploy", true},
		{"rule replaces write, old writer out", acl, alice, Write, "ops/deploy", false},
		{"rule write is rule deploy", acl, bob, Deploy, "ops/deploy", true},
		{"rule deploy platform star", acl, carol, Deploy, "prod/api", true},
		{"rule deploy platform star, other platform", acl, alice, Deploy, "prod/api", false},
		{"rule deploy leaves write to top", acl, carol, Write, "prod/api", false},
		{"explicit deploy list", withDeploy, bob, Deploy, "octo/demo", true},
		{"explicit deploy list excludes writer", withDeploy, alice, Deploy, "octo/demo", false},
		{"nil read means everyone", noRead, carol, Read, "octo/demo", true},
		{"nil write means nobody", locked, alice, Write, "octo/demo", false},
		{"read list enforced", locked, bob, Read, "octo/demo", false},
		{"cli always", locked, operator, Deploy, "prod/api", true},
		{"cli always even on nil acl", nil, operator, Write, "x/y", true},
		{"nil acl reads", nil, bob, Read, "x/y", true},
		{"nil acl no writes", nil, bob, Write, "x/y", false},
		{"glob subscription vs rule", acl, bob, Read, "secret/*", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.acl.Allows(tt.who, tt.class, tt.repo); got != tt.want {
				t.Errorf("Allows(%v, %v, %q) = %v, want %v", tt.who, tt.class, tt.repo, got, tt.want)
			}
		})
	}
}

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		pattern, slug string
		want          bool
	}{
		{"*", "octo/demo", true},
		{"octo/*", "octo/demo", true},
		{"octo/*", "other/demo", false},
		{"*/demo", "octo/demo", true},
		{"octo/demo", "octo/demo", true},
		{"octo/de?o", "octo/demo", true},
		{"octo/[", "octo/demo", false},
	}
	for _, tt := range tests {
		if got := MatchGlob(tt.pattern, tt.slug); got != tt.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", tt.pattern, tt.slug, got, tt.want)
		}
	}
}
