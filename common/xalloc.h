/* xalloc.h - allocation that cannot fail: on exhaustion the program ends with a message, as in
 * tmux and Redis. Memory is bounded by named caps elsewhere, so exhaustion is a real fault. */
#ifndef BLIP_XALLOC_H
#define BLIP_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void xfree(void *p); /* free(); accepts NULL */
#endif
