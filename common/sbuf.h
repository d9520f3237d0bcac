/* sbuf.h - a growable text buffer for response bodies (JSON, Prometheus text).
 * Always NUL-terminated once initialised; grows with xrealloc, so appending never fails.
 * Pure: no I/O. */
#ifndef BLIP_SBUF_H
#define BLIP_SBUF_H
#include <stddef.h>

#include "log.h"

#define SBUF_INITIAL 1024 /* first allocation, bytes */

struct sbuf {
    char *buf;  /* cap bytes, owned; buf[len] == '\0' */
    size_t len; /* bytes of text */
    size_t cap; /* bytes allocated */
};

void sbuf_init(struct sbuf *b);  /* empty text, SBUF_INITIAL bytes allocated */
void sbuf_clear(struct sbuf *b); /* frees; safe to call twice */
void sbuf_reset(struct sbuf *b); /* empties the text, keeps the memory */

void sbuf_add(struct sbuf *b, const char *s, size_t len); /* appends s[0..len) */
void sbuf_puts(struct sbuf *b, const char *s);            /* appends a NUL-terminated s */
void sbuf_printf(struct sbuf *b, const char *fmt, ...) printflike(2, 3);

/* Appends s as a JSON string literal, quotes included, escaping what JSON requires. */
void sbuf_json_str(struct sbuf *b, const char *s);
/* Appends finite v as a JSON number (shortest exact text), or null when v is not finite. */
void sbuf_json_num(struct sbuf *b, double v);
#endif
