#pragma once
// The reporter interface as the formats see it; the formats themselves are in formats.hpp.

#include "wsrepro/results/reporter.hpp"

namespace wsrepro::reports {

using results::reporter;

}  // namespace wsrepro::reports
