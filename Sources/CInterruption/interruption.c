/*
 * While dynix activates, checks and restores, Ctrl-C, a closed SSH session (SIGHUP) or `kill`
 * must not kill dynix between "the system changed" and "the history says so". The handler only
 * remembers the signal and passes it on to the running child's process group, so the child stops,
 * dynix restores what was live and records the failure. In C because a signal handler may touch
 * nothing but sig_atomic_t state and async-signal-safe calls. Signals ignored when dynix started
 * (nohup) stay ignored.
 */
#include "CInterruption.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t received = 0;
static volatile sig_atomic_t forwarding = 1;
static volatile pid_t target = 0;
static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved[3];
static int installed[3];

static void on_signal(int number) {
    received = number;
    if (forwarding && target > 0) kill(-target, number);
}

void dynix_interruption_begin(void) {
    received = 0;
    forwarding = 1;
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
void dynix_interruption_set_forwarding(int forward) { forwarding = forward; }
int dynix_interruption_received(void) { return received; }
