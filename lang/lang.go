// Package lang names the languages dronebot speaks and reads a configured
// language tag as one of them.
package lang

import "strings"

const (
	English = "en"
	Chinese = "zh"
)

// Normalize is Chinese for "zh" and its regional tags ("zh-CN", "zh_TW", in
// any case, spaces around ignored) and English for everything else,
// including "".
func Normalize(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	if t == Chinese || strings.HasPrefix(t, Chinese+"-") || strings.HasPrefix(t, Chinese+"_") {
		return Chinese
	}
	return English
}
