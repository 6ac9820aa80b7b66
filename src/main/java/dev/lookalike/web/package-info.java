/** The shopper's gallery (Qute pages) and the JSON API, serving the search package over HTTP. */
package dev.lookalike.web;
