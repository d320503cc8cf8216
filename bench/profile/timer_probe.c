// Two facts about this machine that the sampling profiler's cost depends on, for
// bench/profile.sh (printed as "NAME VALUE" lines):
//
//   cpu_timer_max_hz   how many signals a second of a thread's CPU time a timer on that thread's
//                      CPU clock delivers when asked for 10 kHz. Linux checks CPU-time timers at
//                      the scheduler tick (CONFIG_HZ), so above the tick rate one signal stands
//                      for several periods (si_overrun), and the profiler weights its sample.
//   signal_ns          what delivering one signal costs the thread, with an empty handler: the
//                      kernel's delivery, the handler's entry and sigreturn. Measured as the
//                      thread CPU time of tgkill(self, SIGPROF) minus that of tgkill(self, 0)
//                      (the same system call, no signal), the best of several rounds of many
//                      calls each. A timer's signal rides on the tick's interrupt, which comes
//                      anyway, so this is its extra cost. (A fast timer on the monotonic clock
//                      would measure the timer interrupts too, which in a VM cost far more.)
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile long g_signals;

static void on_signal(int sig, siginfo_t* info, void* context) {
  (void)sig, (void)info, (void)context;
  g_signals++;
}

static double thread_cpu_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/// A timer on {clock} that signals this thread every {period_ns}.
static timer_t start_timer(clockid_t clock, long period_ns) {
  struct sigevent event = {0};
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = SIGPROF;
  event._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  timer_t timer;
  if (timer_create(clock, &event, &timer) != 0) {
    perror("timer_create");
    exit(1);
  }
  struct itimerspec spec = {{0, period_ns}, {0, period_ns}};
  timer_settime(timer, 0, &spec, NULL);
  return timer;
}

/// Burns about {iterations} loop iterations of CPU.
static void spin(long iterations) {
  volatile unsigned long sink = 0;
  for (long i = 0; i < iterations; i++) sink += (unsigned long)i * 2654435761u;
}

/// The thread CPU seconds of {calls} tgkill(self, {sig}) calls.
static double timed_tgkill(long calls, int sig) {
  const pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);
  const double start = thread_cpu_s();
  for (long i = 0; i < calls; i++) syscall(SYS_tgkill, pid, tid, sig);
  return thread_cpu_s() - start;
}

int main(void) {
  struct sigaction action = {0};
  action.sa_sigaction = on_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGPROF, &action, NULL);

  // 1. Signals per CPU second at 10 kHz on the thread's CPU clock, over half a CPU second.
  timer_t timer = start_timer(CLOCK_THREAD_CPUTIME_ID, 100000);
  g_signals = 0;
  const double start = thread_cpu_s();
  while (thread_cpu_s() - start < 0.5) spin(10000);
  const double spent = thread_cpu_s() - start;
  timer_delete(timer);
  printf("cpu_timer_max_hz %.0f\n", (double)g_signals / spent);

  // 2. A signal's delivery: 9 rounds of 20,000 calls with and without a signal, the best of each.
  const long calls = 20000;
  double best_with = 1e9, best_without = 1e9;
  for (int round = 0; round < 9; round++) {
    const double without = timed_tgkill(calls, 0);
    const double with = timed_tgkill(calls, SIGPROF);
    if (without < best_without) best_without = without;
    if (with < best_with) best_with = with;
  }
  printf("signal_ns %.0f\n", (best_with - best_without) * 1e9 / (double)calls);
  printf("syscall_ns %.0f\n", best_without * 1e9 / (double)calls);
  return 0;
}
