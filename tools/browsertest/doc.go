// Package browsertest drives the web interface in a real headless Chromium (chromedp):
// the whole workflow across three officials, scope, and the language switch. It has only
// tests; `make screenshots` also saves the main pages into docs/screenshots.
package browsertest
