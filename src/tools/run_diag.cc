#include "tools/run_diag.h"

#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstring>

namespace wasmscope::internal::tools {

RunDiagnostics::RunDiagnostics(ExecContext* ctx, const RunDiagOptions& options,
                               const std::string& module_name, diag::SourceLocator locate)
    : ctx_(ctx), module_name_(module_name), locate_(std::move(locate)) {
  // Threads created from here on inherit the mask: SIGQUIT reaches only {sigwait} below.
  sigset_t quit;
  sigemptyset(&quit);
  sigaddset(&quit, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &quit, nullptr);
  dumper_ = std::thread([this] { dump_on_sigquit(); });
  if (options.watchdog_ns == 0) return;
  report_file_ = stderr;
  if (options.report_path != "-") {
    report_file_ = std::fopen(options.report_path.c_str(), "w");
    if (report_file_ == nullptr) {
      std::fprintf(stderr, "wasmscope: cannot write hang reports to '%s': %s\n",
                   options.report_path.c_str(), std::strerror(errno));
      ok_ = false;
      return;
    }
  }
  diag::WatchdogOptions w;
  w.deadline_ns = options.watchdog_ns;
  w.policy = options.policy;
  w.out = report_file_;
  w.json = options.json;
  w.module_name = module_name_;
  w.locate = locate_;
  watchdog_ = std::make_unique<diag::Watchdog>(ctx_, std::move(w));
}

RunDiagnostics::~RunDiagnostics() {
  watchdog_.reset();
  stopping_ = true;
  pthread_kill(dumper_.native_handle(), SIGQUIT);  // ends its sigwait
  dumper_.join();
  if (report_file_ != nullptr && report_file_ != stderr) std::fclose(report_file_);
}

void RunDiagnostics::dump_on_sigquit() {
  sigset_t quit;
  sigemptyset(&quit);
  sigaddset(&quit, SIGQUIT);
  for (;;) {
    int sig = 0;
    if (sigwait(&quit, &sig) != 0) continue;
    if (stopping_) return;
    const diag::ThreadReport thread = diag::report_thread(ctx_, "main", module_name_, locate_);
    const std::string text =
        diag::format_text("wasmscope thread dump (SIGQUIT); the program continues", {thread}) +
        "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  }
}

}  // namespace wasmscope::internal::tools
