/* cfg.c - see cfg.h. */
#include "cfg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "num.h"

static const struct cfg_opt *cfg_find(const struct cfg_opt *opts, size_t n, const char *name,
                                      size_t len) {
    for (size_t i = 0; i < n; i++)
        if (strlen(opts[i].name) == len && memcmp(opts[i].name, name, len) == 0)
            return &opts[i];
    return NULL;
}

static int cfg_bool_word(const char *v, int *out) {
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0)
            return *out = 1, 0;
        if (strcmp(v, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

/* Formats a bound for a message: integers in full up to 1e15 (100000, 10000000), others
 * without trailing zeros (0.5, 1e-06, 1e+15). */
static void cfg_bound(double v, char *buf) {
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, NUM_FMT_MAX, "%.0f", v);
    else
        snprintf(buf, NUM_FMT_MAX, "%g", v);
}

/* Stores value into conf per o. `who` names the flag ("--window") or variable for errors. */
static int cfg_set(const struct cfg_opt *o, void *conf, const char *value, const char *who,
                   char *err, size_t errlen) {
    char *field = (char *)conf + o->offset;
    char lo[NUM_FMT_MAX], hi[NUM_FMT_MAX], why[CFG_ERR_MAX];
    size_t len = strlen(value);
    int64_t iv;
    double dv;

    cfg_bound(o->min, lo);
    cfg_bound(o->max, hi);
    switch (o->type) {
    case CFG_BOOL:
        if (cfg_bool_word(value, (int *)field) == 0)
            return 0;
        snprintf(err, errlen, "%s: expected 1/0, true/false, yes/no or on/off, got \"%.60s\"", who,
                 value);
        return -1;
    case CFG_INT:
        if (num_parse_i64(value, len, (int64_t)o->min, (int64_t)o->max, &iv) == 0) {
            *(long *)field = (long)iv;
            return 0;
        }
        snprintf(err, errlen, "%s: expected an integer %s..%s, got \"%.60s\"", who, lo, hi, value);
        return -1;
    case CFG_DOUBLE:
        if (num_parse_double(value, len, NUM_LENIENT, &dv) == NUM_OK && dv >= o->min &&
            dv <= o->max) {
            *(double *)field = dv;
            return 0;
        }
        snprintf(err, errlen, "%s: expected a number %s..%s, got \"%.60s\"", who, lo, hi, value);
        return -1;
    case CFG_STRING:
        if (len == 0 || (o->max > 0 && (double)len > o->max)) {
            snprintf(err, errlen, "%s: expected a non-empty value of at most %s bytes", who, hi);
            return -1;
        }
        *(const char **)field = value;
        return 0;
    case CFG_CHOICE:
        for (int i = 0; o->choices[i]; i++) {
            if (strcmp(o->choices[i], value) == 0) {
                *(int *)field = i;
                return 0;
            }
        }
        {
            size_t n = (size_t)snprintf(err, errlen, "%s: expected one of ", who);
            for (int i = 0; o->choices[i] && n < errlen; i++)
                n += (size_t)snprintf(err + n, errlen - n, "%s%s", i ? "|" : "", o->choices[i]);
            if (n < errlen)
                snprintf(err + n, errlen - n, ", got \"%.60s\"", value);
        }
        return -1;
    case CFG_FUNC:
        if (o->parse(conf, value, why, sizeof why) == 0)
            return 0;
        snprintf(err, errlen, "%s: %s", who, why);
        return -1;
    }
    snprintf(err, errlen, "%s: option has an unknown type", who);
    return -1;
}

static int cfg_apply_env(const struct cfg_opt *opts, size_t nopts, void *conf,
                         char *const *envp, char *err, size_t errlen) {
    for (size_t e = 0; envp && envp[e]; e++) {
        const char *eq = strchr(envp[e], '=');
        if (!eq)
            continue;
        for (size_t i = 0; i < nopts; i++) {
            const char *name = opts[i].env;
            if (!name || strlen(name) != (size_t)(eq - envp[e]) ||
                memcmp(name, envp[e], (size_t)(eq - envp[e])) != 0)
                continue;
            if (eq[1] == '\0')
                continue; /* an empty variable means "not set", as compose files write them */
            if (cfg_set(&opts[i], conf, eq + 1, name, err, errlen) != 0)
                return -1;
        }
    }
    return 0;
}

enum cfg_result cfg_parse(const struct cfg_opt *opts, size_t nopts, void *conf, int argc,
                          char *const *argv, char *const *envp, const char **positional,
                          size_t max_positional, size_t *npositional, char *err, size_t errlen) {
    char who[CFG_ERR_MAX];
    int flags_done = 0;

    *npositional = 0;
    if (cfg_apply_env(opts, nopts, conf, envp, err, errlen) != 0)
        return CFG_ERROR;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *name, *eq, *value = NULL;
        const struct cfg_opt *o;
        size_t nlen;

        if (flags_done || a[0] != '-' || a[1] == '\0') {
            if (*npositional >= max_positional) {
                snprintf(err, errlen, "unexpected argument \"%.60s\" (see --help)", a);
                return CFG_ERROR;
            }
            positional[(*npositional)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            flags_done = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return CFG_HELP;
        if (strcmp(a, "--version") == 0)
            return CFG_VERSION;
        if (a[1] != '-') {
            snprintf(err, errlen, "unknown flag %.60s (flags are long: --name; see --help)", a);
            return CFG_ERROR;
        }
        name = a + 2;
        eq = strchr(name, '=');
        nlen = eq ? (size_t)(eq - name) : strlen(name);
        o = cfg_find(opts, nopts, name, nlen);
        if (!o) {
            snprintf(err, errlen, "unknown flag --%.*s (see --help)", (int)(nlen > 60 ? 60 : nlen),
                     name);
            return CFG_ERROR;
        }
        snprintf(who, sizeof who, "--%s", o->name);
        if (o->type == CFG_BOOL && !eq) {
            *(int *)((char *)conf + o->offset) = 1;
            continue;
        }
        if (eq)
            value = eq + 1;
        else if (i + 1 < argc)
            value = argv[++i];
        if (!value) {
            snprintf(err, errlen, "%s: missing value", who);
            return CFG_ERROR;
        }
        if (cfg_set(o, conf, value, who, err, errlen) != 0)
            return CFG_ERROR;
    }
    return CFG_OK;
}

void cfg_help(const struct cfg_opt *opts, size_t nopts, char *buf, size_t cap) {
    size_t n = 0;
    if (cap)
        buf[0] = '\0';
    for (size_t i = 0; i < nopts && n < cap; i++) {
        char flag[64];
        const struct cfg_opt *o = &opts[i];
        snprintf(flag, sizeof flag, "--%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        n += (size_t)snprintf(buf + n, cap - n, "  %-24s %s", flag, o->help);
        if (n < cap && o->env)
            n += (size_t)snprintf(buf + n, cap - n, " [env %s]", o->env);
        if (n < cap)
            n += (size_t)snprintf(buf + n, cap - n, "\n");
    }
}
