// Package logtext prepares build log lines for people: it cleans them of
// terminal codes, masks secrets and finds the lines that explain a failure
// (recognise.go), collecting an excerpt while the log streams in.
package logtext
