package commands

import (
	"context"
	"testing"

	"github.com/dronebot/dronebot/drone"
)

func BenchmarkParse(b *testing.B) {
	text := `/drone build octo/demo release/1.2 DEPLOY_TO=staging MSG="ship it now" -n 40`
	for b.Loop() {
		if _, _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatus is one /status through the real client and the fake server.
func BenchmarkStatus(b *testing.B) {
	e := newEnv(b, drone.DialectV1)
	e.seed(b)
	req := Request{Text: "/status octo/demo 2", From: reader, Conversation: room}
	for b.Loop() {
		if r := e.reg.Run(context.Background(), req); r.Err {
			b.Fatal(r.Text)
		}
	}
}
