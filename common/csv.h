/* csv.h - splitting one CSV record into fields (RFC 4180 quoting) and reading timestamps.
 * Pure: no I/O, no allocation. Records are single lines: a quoted field may not hold a newline. */
#ifndef BLIP_CSV_H
#define BLIP_CSV_H
#include <stddef.h>
#include <stdint.h>

#define CSV_FIELDS_MAX 32      /* fields beyond this are refused */
#define CSV_LINE_MAX 65536     /* longest record, bytes, without its line end */
#define CSV_EPOCH_MS_MIN 1e11  /* a bare number at or above this is epoch ms, below: epoch s */

struct csv_field {
    const char *s; /* field text, quotes removed; points into the line or into scratch */
    size_t len;
};

/* Splits line[0..len) (no line terminator; a trailing '\r' is ignored) into at most max fields.
 * Unquoted fields are trimmed of spaces and tabs. Quoted fields with "" inside are unescaped into
 * scratch (at least len bytes). Returns the number of fields (>= 1), or -1 with the reason in err
 * (an unterminated quote, text after a closing quote, too many fields). */
int csv_split(const char *line, size_t len, struct csv_field *f, size_t max, char *scratch,
              char *err, size_t errlen);

/* Reads a timestamp: epoch seconds or milliseconds (a bare number, told apart by
 * CSV_EPOCH_MS_MIN), or "YYYY-MM-DD[ T]HH:MM[:SS[.fff]]" with an optional trailing "Z" (taken as
 * UTC; no other offsets). Returns 0 with Unix ms in *ms, or -1 if it is neither. */
int csv_parse_time(const char *s, size_t len, int64_t *ms);
#endif
