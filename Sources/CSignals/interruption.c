/*
 * While dynix builds, activates, checks and restores, Ctrl-C, a closed SSH session (SIGHUP) or `kill`
 * must not kill dynix between "the system changed" and "the history says so". The handler remembers
 * the first signal, says at once on stderr what will happen, and passes the signal on to the running
 * child's process group, so the child stops and dynix restores what was live and records the
 * failure. While restoring, signals are refused (remembered, not passed on) and the handler says so.
 * In C because a signal handler may touch nothing but sig_atomic_t state and async-signal-safe
 * calls (write, kill, strlen). Signals ignored when dynix started (nohup) stay ignored.
 */
#include "CSignals.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t received = 0;
static volatile sig_atomic_t phase = DYNIX_PHASE_PREPARING;
static volatile pid_t target = 0;
static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved[3];
static int installed[3];

static void say(const char *text) {
    ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
    (void)ignored;
}

static const char *signal_name(int number) {
    switch (number) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

static void on_signal(int number) {
    int saved_errno = errno;
    if (received == 0) received = number;
    say("\ndynix: ");
    say(signal_name(number));
    switch (phase) {
    case DYNIX_PHASE_RESTORING:
        say(" refused: what was live is being restored, and that must finish\n");
        break;
    case DYNIX_PHASE_RECORDING:
        say(" refused: the outcome is being recorded in the history, and that must finish\n");
        break;
    case DYNIX_PHASE_CHANGING:
        say(" received: stopping the activation; what was live will be restored\n");
        if (target > 0) kill(-target, number);
        break;
    default:
        say(" received: stopping; nothing on the running system has changed\n");
        if (target > 0) kill(-target, number);
        break;
    }
    errno = saved_errno;
}

void dynix_interruption_begin(void) {
    received = 0;
    phase = DYNIX_PHASE_PREPARING;
    target = 0;
    for (int i = 0; i < 3; i++) {
        struct sigaction current;
        installed[i] = 0;
        if (sigaction(signals[i], NULL, &current) != 0 || current.sa_handler == SIG_IGN) continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        if (sigaction(signals[i], &action, &saved[i]) == 0) installed[i] = 1;
    }
}

void dynix_interruption_end(void) {
    target = 0;
    for (int i = 0; i < 3; i++) {
        if (installed[i]) sigaction(signals[i], &saved[i], NULL);
        installed[i] = 0;
    }
}

void dynix_interruption_block(int block) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < 3; i++) sigaddset(&set, signals[i]);
    sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

void dynix_interruption_set_target(pid_t process_group) { target = process_group; }
int dynix_interruption_set_phase(int new_phase) {
    int old = phase;
    phase = new_phase;
    return old;
}
int dynix_interruption_phase(void) { return phase; }
int dynix_interruption_received(void) { return received; }

static int depth = 0;

void dynix_interruption_enter(void) {
    if (depth++ == 0) dynix_interruption_begin();
}

void dynix_interruption_leave(void) {
    if (--depth == 0) dynix_interruption_end();
}
