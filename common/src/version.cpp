#include "wsrepro/common/version.hpp"

#include <algorithm>
#include <cctype>

namespace wsrepro {

namespace {

struct component {
  unsigned long long number = 0;
  std::string_view suffix;
};

/// Splits off the next dot-separated component of `rest`.
component next_component(std::string_view& rest) {
  const auto dot = rest.find('.');
  std::string_view part = rest.substr(0, dot);
  rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  component c;
  std::size_t i = 0;
  while (i < part.size() && std::isdigit(static_cast<unsigned char>(part[i])) != 0) {
    c.number = c.number * 10 + static_cast<unsigned long long>(part[i] - '0');
    ++i;
  }
  c.suffix = part.substr(i);
  return c;
}

}  // namespace

int compare_versions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    const component x = next_component(a);
    const component y = next_component(b);
    if (x.number != y.number) return x.number < y.number ? -1 : 1;
    if (x.suffix == y.suffix) continue;
    // A pre-release suffix sorts before the plain number.
    if (x.suffix.empty()) return 1;
    if (y.suffix.empty()) return -1;
    return x.suffix < y.suffix ? -1 : 1;
  }
  return 0;
}

void sort_versions(std::vector<std::string>& versions) {
  std::sort(versions.begin(), versions.end(),
            [](const std::string& a, const std::string& b) { return compare_versions(a, b) < 0; });
  versions.erase(std::unique(versions.begin(), versions.end(),
                             [](const std::string& a, const std::string& b) {
                               return compare_versions(a, b) == 0;
                             }),
                 versions.end());
}

bool is_final_release(std::string_view version) {
  if (version.empty() || version.front() == '.' || version.back() == '.') return false;
  bool digit_before = false;
  for (const char c : version) {
    if (c == '.') {
      if (!digit_before) return false;
      digit_before = false;
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      digit_before = true;
    } else {
      return false;
    }
  }
  return true;
}

bool version_matches(std::string_view selector, std::string_view version) {
  if (selector == "*") return true;
  const auto dots = selector.find("..");
  if (dots == std::string_view::npos) return compare_versions(selector, version) == 0;
  const std::string_view first = selector.substr(0, dots);
  const std::string_view last = selector.substr(dots + 2);
  if (!first.empty() && compare_versions(version, first) < 0) return false;
  if (!last.empty() && compare_versions(version, last) > 0) return false;
  return true;
}

std::vector<std::string> versions_in_text(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  const auto is_part = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '+';
  };
  while (i < text.size()) {
    if (!is_part(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && is_part(text[j])) ++j;
    std::string_view token = text.substr(i, j - i);
    while (!token.empty() && token.back() == '.') token.remove_suffix(1);  // end of a sentence
    if (is_final_release(token) && token.find('.') != std::string_view::npos) {
      out.emplace_back(token);
    }
    i = j;
  }
  sort_versions(out);
  return out;
}

std::optional<std::vector<std::string>> versions_between(const std::vector<std::string>& all,
                                                         const std::string& first,
                                                         const std::string& last,
                                                         std::string& error) {
  const auto has = [&](const std::string& v) {
    return std::any_of(all.begin(), all.end(),
                       [&](const std::string& x) { return compare_versions(x, v) == 0; });
  };
  for (const auto* end : {&first, &last}) {
    if (!has(*end)) {
      std::string known;
      for (const auto& v : all) known += (known.empty() ? "" : ", ") + v;
      error = "version " + *end + " is not a known release (known: " + known + ")";
      return std::nullopt;
    }
  }
  if (compare_versions(first, last) > 0) {
    error = "the range " + first + ".." + last + " is empty: " + first + " comes after " + last;
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& v : all) {
    if (compare_versions(v, first) >= 0 && compare_versions(v, last) <= 0) out.push_back(v);
  }
  return out;
}

}  // namespace wsrepro
