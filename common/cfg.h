/* cfg.h - command-line flags and environment variables from one table per program.
 * Flags beat environment, environment beats the defaults already in the config struct. The same
 * table prints --help, so every flag is documented where it is parsed.
 * Pure: reads only the argv and envp it is given; strings stored are borrowed from them. */
#ifndef BLIP_CFG_H
#define BLIP_CFG_H
#include <stddef.h>

#define CFG_ERR_MAX 256 /* a buffer this size holds every error message */

enum cfg_type {
    CFG_BOOL,   /* flag without value; stores int 1 (env: 1/true/yes/on or 0/false/no/off) */
    CFG_INT,    /* long within [min, max] */
    CFG_DOUBLE, /* finite double within [min, max] */
    CFG_STRING, /* const char *, non-empty, at most `max` bytes when max > 0 */
    CFG_CHOICE, /* int index into choices[] */
    CFG_FUNC,   /* parsed by parse() */
};

typedef int cfg_parse_fn(void *conf, const char *value, char *err, size_t errlen);

struct cfg_opt {
    const char *name;    /* long flag without the dashes, e.g. "window" */
    enum cfg_type type;
    size_t offset;       /* where in the config struct the value goes (offsetof) */
    const char *env;     /* environment variable, or NULL */
    const char *metavar; /* shown in --help after the flag, e.g. "N"; NULL for CFG_BOOL */
    const char *help;    /* one line; may mention the default */
    double min, max;     /* inclusive bounds for CFG_INT / CFG_DOUBLE; length bound for strings */
    const char *const *choices; /* CFG_CHOICE: NULL-terminated list */
    cfg_parse_fn *parse;        /* CFG_FUNC: returns 0, or -1 with err set (no flag name) */
};

enum cfg_result {
    CFG_OK = 0,
    CFG_HELP,    /* --help or -h seen */
    CFG_VERSION, /* --version seen */
    CFG_ERROR,   /* err holds one line naming the flag or variable and what is wrong */
};

/* Applies envp (NULL-terminated "NAME=value" strings; NULL for none) and then argv[1..argc) to
 * conf. Arguments that are not flags are stored in positional[0..*npositional) (at most
 * max_positional; more is an error). "--" ends flags. Stops at the first error. */
enum cfg_result cfg_parse(const struct cfg_opt *opts, size_t nopts, void *conf, int argc,
                          char *const *argv, char *const *envp, const char **positional,
                          size_t max_positional, size_t *npositional, char *err, size_t errlen);

/* Writes the option list for --help, one line per flag with its environment variable. */
void cfg_help(const struct cfg_opt *opts, size_t nopts, char *buf, size_t cap);
#endif
