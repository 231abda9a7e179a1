#pragma once
// Ends a `wsrepro serve` whose owner is gone, so that no test framework can leak one: it is told
// when its parent process exits (a pidfd on the parent, which is about the process and not the
// thread that spawned it, unlike PR_SET_PDEATHSIG) and when its stdin, if a pipe or a socket,
// reaches end of file (every writer gone, whichever process held it).

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <optional>
#include <string>

namespace wsrepro::cli {

class parent_watch {
 public:
  /// on_gone runs on the io_context with what happened: "parent exited" or "stdin closed".
  parent_watch(boost::asio::io_context& ioc, std::function<void(const std::string&)> on_gone);

  /// Starts watching; an error message when the parent cannot be watched at all.
  std::optional<std::string> start();
  void cancel();

 private:
  void wait_stdin();

  boost::asio::posix::stream_descriptor parent_;
  boost::asio::posix::stream_descriptor stdin_;
  std::function<void(const std::string&)> on_gone_;
  bool fired_ = false;
};

}  // namespace wsrepro::cli
