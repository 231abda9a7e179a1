#include "wsrepro/reports/formats.hpp"

#include <mutex>

// Generated from reports/formats/*.cpp: calls each file's registration function.
void wsrepro_register_builtin_formats();

namespace wsrepro::reports {

namespace {

std::vector<report_format>& table() {
  static std::vector<report_format> formats;
  return formats;
}

void ensure_registered() {
  static std::once_flag once;
  std::call_once(once, [] { wsrepro_register_builtin_formats(); });
}

}  // namespace

void register_format(report_format format) { table().push_back(std::move(format)); }

std::span<const report_format> formats() {
  ensure_registered();
  return table();
}

const report_format* find_format(std::string_view name) {
  for (const auto& f : formats()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace wsrepro::reports
