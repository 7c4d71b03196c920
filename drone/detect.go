package drone

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// detectDialect asks GET /version, whose source names Woodpecker's
// repository on Woodpecker; Drone servers older than 0.8.2 lack it, so an
// answer that is not JSON falls back to the shape of GET /api/user.
func detectDialect(ctx context.Context, t *transport) (Dialect, error) {
	var v struct {
		Source  string `json:"source"`
		Version string `json:"version"`
	}
	raw, err := rawGet(ctx, t, call{op: "version", what: "detect API dialect", method: http.MethodGet, path: "/version"})
	if err == nil && json.Unmarshal(raw, &v) == nil && v.Version != "" {
		if strings.Contains(strings.ToLower(v.Source), "woodpecker") {
			return DialectWoodpecker, nil
		}
		if strings.HasPrefix(strings.TrimPrefix(v.Version, "v"), "0.") {
			return DialectV08, nil
		}
		return DialectV1, nil
	}
	if err != nil && KindOf(err) != KindNotFound {
		return "", err
	}
	raw, err = rawGet(ctx, t, call{op: "self", what: "detect API dialect", method: http.MethodGet, path: "/api/user"})
	if err != nil {
		return "", err
	}
	var user map[string]json.RawMessage
	if json.Unmarshal(raw, &user) != nil {
		return "", &Error{Kind: KindServer, Op: "detect API dialect", Message: "neither /version nor /api/user answered like Drone"}
	}
	if _, ok := user["machine"]; ok {
		return DialectV1, nil
	}
	return DialectV08, nil
}

// rawGet reads a small answer whatever its shape; errors are mapped the 1.x
// way, which reads 0.8's text bodies as well.
func rawGet(ctx context.Context, t *transport, c call) ([]byte, error) {
	var buf bytes.Buffer
	err := t.stream(ctx, c, mapV1, func(r io.Reader) error {
		_, err := io.Copy(&buf, io.LimitReader(r, errorBodyLimit))
		return err
	})
	return buf.Bytes(), err
}
