#include "wsrepro/harness/paths.hpp"

#include <cstdlib>
#include <system_error>

#ifndef WSREPRO_SOURCE_DIR
#define WSREPRO_SOURCE_DIR ""
#endif
#ifndef WSREPRO_INSTALL_DATADIR
#define WSREPRO_INSTALL_DATADIR "/usr/local/share/wsrepro"
#endif
#ifndef WSREPRO_INSTALL_LIBEXECDIR
#define WSREPRO_INSTALL_LIBEXECDIR "/usr/local/libexec/wsrepro"
#endif

namespace wsrepro::harness {

namespace fs = std::filesystem;

fs::path executable_dir() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{} : self.parent_path();
}

namespace {

std::string from_env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string{} : std::string(v);
}

std::optional<fs::path> first_match(const std::vector<fs::path>& candidates,
                                    const char* must_contain, std::vector<std::string>& tried) {
  for (const auto& c : candidates) {
    if (c.empty()) continue;
    std::error_code ec;
    tried.push_back(c.string());
    if (fs::exists(c / must_contain, ec)) return fs::absolute(c, ec);
  }
  return std::nullopt;
}

}  // namespace

std::optional<search_paths> find_paths(const std::string& data_flag,
                                       const std::string& libexec_flag, std::string& error) {
  search_paths out;
  std::vector<std::string> tried;
  // A flag or variable is taken as given: a wrong one is an error, not a reason to look on.
  const std::string data_given = data_flag.empty() ? from_env("WSREPRO_DATA_DIR") : data_flag;
  const std::vector<fs::path> data_candidates =
      data_given.empty()
          ? std::vector<fs::path>{fs::path(WSREPRO_SOURCE_DIR), fs::path(WSREPRO_INSTALL_DATADIR)}
          : std::vector<fs::path>{fs::path(data_given)};
  auto data = first_match(data_candidates, "scenarios", tried);
  if (!data) {
    error = "cannot find the wsrepro data directory (with scenarios/ in it); tried:";
    for (const auto& t : tried) error += " " + t;
    error += ". Use --data-dir DIR.";
    return std::nullopt;
  }
  tried.clear();
  const std::string libexec_given =
      libexec_flag.empty() ? from_env("WSREPRO_LIBEXEC_DIR") : libexec_flag;
  const std::vector<fs::path> libexec_candidates =
      libexec_given.empty()
          ? std::vector<fs::path>{executable_dir(), fs::path(WSREPRO_INSTALL_LIBEXECDIR)}
          : std::vector<fs::path>{fs::path(libexec_given)};
  auto libexec = first_match(libexec_candidates, "wsrepro-shim", tried);
  if (!libexec) {
    error = "cannot find wsrepro-shim; tried:";
    for (const auto& t : tried) error += " " + t;
    error += ". Use --libexec-dir DIR.";
    return std::nullopt;
  }
  out.data_dir = *data;
  out.libexec_dir = *libexec;
  return out;
}

}  // namespace wsrepro::harness
