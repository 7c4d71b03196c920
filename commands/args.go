package commands

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/dronebot/dronebot/drone"
)

// slugPart is what an owner or a repository name may hold: enough for every
// forge, and nothing that could change the meaning of a Drone URL.
var slugPart = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// globPart is slugPart plus the glob characters.
var globPart = regexp.MustCompile(`^[A-Za-z0-9_.*?\[\]-]+$`)

// checkSlug accepts owner/name: one slash, no "..", no URL characters.
func checkSlug(s string) error {
	owner, name, ok := strings.Cut(s, "/")
	if !ok || !slugPart.MatchString(owner) || !slugPart.MatchString(name) || strings.Contains(s, "..") {
		return usagef(msgNotRepo, shorten(s, 60))
	}
	return nil
}

// checkRepoGlob accepts a slug, "*", or a glob such as "octo/*".
func checkRepoGlob(s string) error {
	if s == "*" {
		return nil
	}
	owner, name, ok := strings.Cut(s, "/")
	if !ok || !globPart.MatchString(owner) || !globPart.MatchString(name) || strings.Contains(s, "..") {
		return usagef(msgNotRepoGlob, shorten(s, 60))
	}
	if _, err := path.Match(s, ""); err != nil {
		return usagef(msgBadGlob, shorten(s, 60))
	}
	return nil
}

func isGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

// parseBuildNumber reads "42" or "#42".
func parseBuildNumber(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || n < 1 {
		return 0, usagef(msgNotBuildNumber, shorten(s, 30))
	}
	return n, nil
}

// isBuildNumber says whether s reads as a build number ("42" or "#42").
func isBuildNumber(s string) bool {
	_, err := parseBuildNumber(s)
	return err == nil
}

// takeRepoBuild reads "owner/name N", "owner/name #N" or "owner/name#N"
// from the front of pos and returns the arguments after them.
func takeRepoBuild(pos []string) (slug string, n int64, rest []string, err error) {
	if len(pos) == 0 {
		return "", 0, nil, usagef(msgNone)
	}
	slug, rest = pos[0], pos[1:]
	if s, num, ok := strings.Cut(slug, "#"); ok {
		slug = s
		rest = append([]string{num}, rest...)
	}
	if err := checkSlug(slug); err != nil {
		return "", 0, nil, err
	}
	if len(rest) == 0 {
		return "", 0, nil, usagef(msgNeedBuildNumber)
	}
	n, err = parseBuildNumber(rest[0])
	if err != nil {
		return "", 0, nil, err
	}
	return slug, n, rest[1:], nil
}

// takeRepoMaybeBuild is takeRepoBuild where the build number may be left
// out: n is then 0 and rest every argument after the repository.
func takeRepoMaybeBuild(pos []string) (slug string, n int64, rest []string, err error) {
	if len(pos) == 0 {
		return "", 0, nil, usagef(msgNone)
	}
	if strings.Contains(pos[0], "#") || len(pos) > 1 && isBuildNumber(pos[1]) {
		return takeRepoBuild(pos)
	}
	if err := checkSlug(pos[0]); err != nil {
		return "", 0, nil, err
	}
	return pos[0], 0, pos[1:], nil
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// buildLink is the build's page in the server's UI, "" when no URL is known.
func (r *Registry) buildLink(slug string, n int64) string {
	if r.deps.DroneURL == "" {
		return ""
	}
	d := drone.DialectV1
	if r.woodpecker.Load() {
		d = drone.DialectWoodpecker
	}
	return drone.BuildURL(d, r.deps.DroneURL, slug, n)
}

func (r *Registry) buildLinks(slug string, n int64) []Link {
	if u := r.buildLink(slug, n); u != "" {
		return []Link{{Text: fmt.Sprintf("%s #%d", slug, n), URL: u}}
	}
	return nil
}

// pageLinks links build n of slug as "open in Drone", for replies whose
// text already names the build.
func (r *Registry) pageLinks(n int64, slug string) []Link {
	if u := r.buildLink(slug, n); u != "" {
		return []Link{{Text: r.say().f(msgOpenBuild), URL: u}}
	}
	return nil
}

func (r *Registry) isV08(ctx context.Context) (bool, error) {
	d, err := r.deps.Drone.Dialect(ctx)
	if err != nil {
		return false, fmt.Errorf("dialect: %w", err)
	}
	return d == drone.DialectV08, nil
}

// explainNotFound turns a not-found answer about build n into the right
// sentence: the repository is unknown, or it has no such build. Other
// errors pass through.
func (r *Registry) explainNotFound(ctx context.Context, err error, slug string, n int64) error {
	if !drone.IsNotFound(err) {
		return err
	}
	if _, rerr := r.deps.Drone.Repo(ctx, slug); drone.IsNotFound(rerr) {
		return r.unknownRepo(ctx, err, slug)
	}
	return fail(Error, err, msgNoSuchBuild, slug, n)
}

// explainRepoNotFound handles a not-found answer to a repository call.
func (r *Registry) explainRepoNotFound(ctx context.Context, err error, slug string) error {
	if drone.IsNotFound(err) {
		return r.unknownRepo(ctx, err, slug)
	}
	return err
}

// getBuild fetches build n with its stages, explaining a not-found answer.
func (r *Registry) getBuild(ctx context.Context, slug string, n int64) (*drone.Build, error) {
	b, err := r.deps.Drone.Build(ctx, slug, n)
	if err != nil {
		return nil, r.explainNotFound(ctx, fmt.Errorf("get build: %w", err), slug, n)
	}
	return b, nil
}
