/* sbuf.c - see sbuf.h. */
#include "sbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "num.h"
#include "xalloc.h"

void sbuf_init(struct sbuf *b) {
    b->cap = SBUF_INITIAL;
    b->buf = xmalloc(b->cap);
    b->buf[0] = '\0';
    b->len = 0;
}

void sbuf_clear(struct sbuf *b) {
    xfree(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
}

void sbuf_reset(struct sbuf *b) {
    b->len = 0;
    if (b->buf)
        b->buf[0] = '\0';
}

/* Makes room for `more` bytes of text plus the NUL. */
static void sbuf_grow(struct sbuf *b, size_t more) {
    size_t need = b->len + more + 1;
    if (need <= b->cap)
        return;
    while (b->cap < need)
        b->cap = b->cap ? b->cap * 2 : SBUF_INITIAL;
    b->buf = xrealloc(b->buf, b->cap);
}

void sbuf_add(struct sbuf *b, const char *s, size_t len) {
    sbuf_grow(b, len);
    memcpy(b->buf + b->len, s, len);
    b->len += len;
    b->buf[b->len] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s) { sbuf_add(b, s, strlen(s)); }

void sbuf_printf(struct sbuf *b, const char *fmt, ...) {
    va_list ap;
    int n;

    sbuf_grow(b, 0);
    va_start(ap, fmt);
    n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->buf[b->len] = '\0';
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        sbuf_grow(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void sbuf_json_str(struct sbuf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    sbuf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
        if (*p == '"' || *p == '\\') {
            char two[2] = {'\\', (char)*p};
            sbuf_add(b, two, 2);
        } else if (*p == '\n') {
            sbuf_add(b, "\\n", 2);
        } else if (*p < 0x20) {
            sbuf_add(b, esc, sizeof esc);
        } else {
            sbuf_add(b, (const char *)p, 1);
        }
    }
    sbuf_add(b, "\"", 1);
}

void sbuf_json_num(struct sbuf *b, double v) {
    char num[NUM_FMT_MAX];
    if (!isfinite(v)) {
        sbuf_add(b, "null", 4);
        return;
    }
    sbuf_add(b, num, num_format_double(v, num));
}
