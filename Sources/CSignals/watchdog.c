/*
 * The watchdog: a last resort against hangs in dynix's own work (Debian's libgit2 1.5 spins forever
 * on some truncated objects). SIGALRM writes a fixed message and ends the process with a fixed
 * status. In C, like the interruption handler, because a handler may only read state that was fully
 * written before the signal could arrive and call async-signal-safe functions (write, _exit).
 */
#include "CSignals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *message = NULL;
static size_t message_length = 0;
static volatile sig_atomic_t exit_status = 1;
static volatile sig_atomic_t pausable = 1;

static void on_alarm(int number) {
    (void)number;
    if (message != NULL) {
        ssize_t ignored = write(STDERR_FILENO, message, message_length);
        (void)ignored;
    }
    _exit(exit_status);
}

void dynix_watchdog_start(unsigned int seconds, int status, int can_pause, const char *text) {
    /* The message is copied and published before the handler is installed; it is never freed. */
    char *copy = strdup(text);
    if (copy != NULL) {
        message = copy;
        message_length = strlen(copy);
    }
    exit_status = status;
    pausable = can_pause;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
    alarm(seconds);
}

unsigned int dynix_watchdog_pause(void) {
    if (!pausable) return 0;
    return alarm(0);
}

void dynix_watchdog_resume(unsigned int left) {
    if (left > 0) alarm(left < 5 ? 5 : left);
}
