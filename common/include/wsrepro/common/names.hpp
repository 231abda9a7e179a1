#pragma once
// Did-you-mean for every name a user types: behaviours, parameters, keys, clients, options.

#include <string>
#include <string_view>
#include <vector>

namespace wsrepro {

/// The known word nearest to `word` (edit distance at most 2, or a prefix), or empty.
std::string nearest(std::string_view word, const std::vector<std::string>& known);

/// "unknown WHAT 'NAME'; did you mean 'X'? (known: A, B, C)".
std::string unknown_name(std::string_view what, std::string_view name,
                         const std::vector<std::string>& known);

}  // namespace wsrepro
