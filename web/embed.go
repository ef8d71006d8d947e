// Package web embeds the templates and static files of the browser interface.
package web
