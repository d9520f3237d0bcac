/* spawn.c - see spawn.h. */
#include "spawn.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

#define SPAWN_CLOSE_FDS_MAX 65536 /* fds closed in a child when close_range is unavailable */

extern char **environ;

struct spawn_child {
    pid_t pid;
    int fd;          /* write end of its stdin, -1 once done */
    char *input;     /* owned */
    size_t len, off; /* bytes of input, bytes written */
    int timed_out;
    struct event *timer; /* the timeout */
    struct event *wev;   /* waits to write more input, when the pipe was full */
    struct spawn *s;
    struct spawn_child *next;
};

struct spawn {
    struct event_base *base;
    char *cmd;
    struct timeval timeout;
    spawn_done_fn *done;
    void *arg;
    struct event *sigchld;
    struct spawn_child *children;
    size_t running;
};

static void spawn_close_input(struct spawn_child *c) {
    if (c->wev) {
        event_free(c->wev);
        c->wev = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

static void spawn_write_cb(evutil_socket_t fd, short what, void *arg);

/* Writes what the pipe takes; closes it when all is written or the child stopped reading. */
static void spawn_write(struct spawn_child *c) {
    while (c->off < c->len) {
        ssize_t n = write(c->fd, c->input + c->off, c->len - c->off);
        if (n > 0) {
            c->off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!c->wev) {
                c->wev = event_new(c->s->base, c->fd, EV_WRITE | EV_PERSIST, spawn_write_cb, c);
                if (!c->wev || event_add(c->wev, NULL) != 0)
                    break; /* the command gets what was written so far */
            }
            return;
        } else {
            break; /* EPIPE: the command does not read its input, which is its right */
        }
    }
    spawn_close_input(c);
}

static void spawn_write_cb(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    spawn_write(arg);
}

static void spawn_timeout_cb(evutil_socket_t fd, short what, void *arg) {
    struct spawn_child *c = arg;
    (void)fd;
    (void)what;
    c->timed_out = 1;
    kill(-c->pid, SIGKILL);
}

static void spawn_release(struct spawn *s, struct spawn_child *c) {
    struct spawn_child **pp = &s->children;
    while (*pp && *pp != c)
        pp = &(*pp)->next;
    if (*pp)
        *pp = c->next;
    spawn_close_input(c);
    event_free(c->timer);
    xfree(c->input);
    xfree(c);
    s->running--;
}

static void spawn_sigchld_cb(evutil_socket_t sig, short what, void *arg) {
    struct spawn *s = arg;
    struct spawn_child *c = s->children;
    (void)sig;
    (void)what;
    while (c) {
        struct spawn_child *next = c->next;
        int status;
        pid_t r = waitpid(c->pid, &status, WNOHANG);
        if (r == c->pid) {
            enum spawn_result res;
            int code;
            if (c->timed_out) {
                res = SPAWN_TIMEOUT;
                code = SIGKILL;
            } else if (WIFEXITED(status)) {
                code = WEXITSTATUS(status);
                res = code == 0 ? SPAWN_OK : SPAWN_EXIT;
            } else {
                code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
                res = SPAWN_SIGNAL;
            }
            spawn_release(s, c);
            s->done(res, code, s->arg);
        }
        c = next;
    }
}

/* The program's environment with env's variables replacing or added. Pointers are borrowed. */
static char **spawn_environ(const char *const *env) {
    size_t n = 0, m = 0, k = 0;
    char **out;
    while (environ && environ[n])
        n++;
    while (env && env[m])
        m++;
    out = xcalloc(n + m + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t nlen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        int replaced = 0;
        for (size_t j = 0; j < m && !replaced; j++)
            replaced = strncmp(env[j], environ[i], nlen) == 0 && env[j][nlen] == '=';
        if (!replaced)
            out[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        out[k++] = (char *)env[j];
    out[k] = NULL;
    return out;
}

/* In the child: stdin from the pipe, default signal handling, no inherited descriptors. */
static void spawn_child_exec(const char *cmd, int in, char **envp) {
    char *argv[] = {"sh", "-c", (char *)cmd, NULL};
    sigset_t none;
    struct rlimit rl;
    long top = SPAWN_CLOSE_FDS_MAX;

    setpgid(0, 0);
    if (in != STDIN_FILENO) {
        dup2(in, STDIN_FILENO);
        close(in);
    }
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
        top = 0;
#endif
    if (top && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)top)
        top = (long)rl.rlim_cur;
    for (long fd = 3; fd < top; fd++)
        close((int)fd);
    execve("/bin/sh", argv, envp);
    _exit(127);
}

int spawn_run(struct spawn *s, const char *const *env, const char *input, size_t len, char *err,
              size_t errlen) {
    int p[2];
    pid_t pid;
    char **envp;
    struct spawn_child *c;

    if (s->running >= SPAWN_RUNNING_MAX) {
        snprintf(err, errlen, "%d runs still going", SPAWN_RUNNING_MAX);
        return -1;
    }
    if (pipe(p) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    envp = spawn_environ(env);
    pid = fork();
    if (pid == 0)
        spawn_child_exec(s->cmd, p[0], envp);
    xfree(envp);
    close(p[0]);
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(p[1]);
        return -1;
    }
    setpgid(pid, pid); /* also here, so a kill(-pid) right away finds the group */
    c = xcalloc(1, sizeof *c);
    c->pid = pid;
    c->fd = p[1];
    c->s = s;
    c->input = xmalloc(len ? len : 1);
    memcpy(c->input, input, len);
    c->len = len;
    c->timer = evtimer_new(s->base, spawn_timeout_cb, c);
    if (!c->timer) {
        log_error("spawn: cannot create a timer");
        abort();
    }
    evtimer_add(c->timer, &s->timeout);
    c->next = s->children;
    s->children = c;
    s->running++;
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    spawn_write(c);
    return 0;
}

struct spawn *spawn_new(struct event_base *base, const char *cmd, double timeout_s,
                        spawn_done_fn *done, void *arg) {
    struct spawn *s = xcalloc(1, sizeof *s);
    s->base = base;
    s->cmd = xstrdup(cmd);
    s->timeout.tv_sec = (time_t)timeout_s;
    s->timeout.tv_usec = (suseconds_t)((timeout_s - (double)s->timeout.tv_sec) * 1e6);
    s->done = done;
    s->arg = arg;
    s->sigchld = evsignal_new(base, SIGCHLD, spawn_sigchld_cb, s);
    if (!s->sigchld || evsignal_add(s->sigchld, NULL) != 0) {
        log_error("spawn: cannot watch SIGCHLD");
        abort();
    }
    return s;
}

size_t spawn_free(struct spawn *s) {
    size_t n;
    if (!s)
        return 0;
    n = s->running;
    while (s->children) {
        struct spawn_child *c = s->children;
        kill(-c->pid, SIGKILL);
        while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        spawn_release(s, c);
    }
    event_free(s->sigchld);
    xfree(s->cmd);
    xfree(s);
    return n;
}

size_t spawn_running(const struct spawn *s) { return s ? s->running : 0; }
