// Package web embeds the templates, static files and message catalogues of the browser
// interface, so the binary carries everything it serves.
package web

import "embed"

// Templates are the page templates: layout.html, partials/*.html, pages/*.html.
//
//go:embed templates
var Templates embed.FS

// Static holds CSS, JavaScript, images and fonts served under /static.
//
//go:embed static
var Static embed.FS

// Locales holds one JSON message catalogue per language.
//
//go:embed locales/*.json
var Locales embed.FS
