#include "parent_watch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

namespace wsrepro::cli {

parent_watch::parent_watch(boost::asio::io_context& ioc,
                           std::function<void(const std::string&)> on_gone)
    : parent_(ioc), stdin_(ioc), on_gone_(std::move(on_gone)) {}

std::optional<std::string> parent_watch::start() {
  const pid_t parent = ::getppid();
  // A pidfd is close-on-exec from birth.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, parent, 0));
  if (pidfd < 0) return std::string("cannot watch the parent process: ") + std::strerror(errno);
  parent_.assign(pidfd);
  if (::getppid() != parent) {
    // The parent died between the two calls; the pidfd may name a reused pid.
    boost::asio::post(parent_.get_executor(), [this] {
      if (!std::exchange(fired_, true)) on_gone_("parent exited");
    });
    return std::nullopt;
  }
  parent_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this](boost::system::error_code ec) {
                       if (ec || std::exchange(fired_, true)) return;
                       on_gone_("parent exited");
                     });

  // Only a pipe or a socket: a terminal or /dev/null on stdin says nothing about the owner.
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
    // A descriptor of its own, close-on-exec. Only waited on (never async-read), so asio
    // leaves the shared open file description blocking; a read follows a readable wait.
    const int fd = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    if (fd >= 0) {
      stdin_.assign(fd);
      wait_stdin();
    }
  }
  return std::nullopt;
}

void parent_watch::wait_stdin() {
  stdin_.async_wait(
      boost::asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
        if (ec) return;
        std::array<char, 4096> ignored{};
        const ssize_t n = ::read(stdin_.native_handle(), ignored.data(), ignored.size());
        if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR))) {
          wait_stdin();  // input is not a command: read and ignored
          return;
        }
        if (std::exchange(fired_, true)) return;
        on_gone_("stdin closed");
      });
}

void parent_watch::cancel() {
  boost::system::error_code ignored;
  parent_.cancel(ignored);
  stdin_.cancel(ignored);
}

}  // namespace wsrepro::cli
