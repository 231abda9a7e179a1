// report.html in a real browser: headless Chromium (the Debian package, installed by
// ci/install-deps.sh) loads the reports of a real run (failures, repeated runs, a client that
// prints markup) and of a real sweep. The test checks that the page drew what it should, that
// the console stayed silent (the page logs nothing, so any line is an error), that the client's
// markup stayed text, and that a screenshot is not blank.

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cli_helpers.hpp"
#include "test_paths.hpp"

namespace {

using namespace wsrepro::test;
using std::chrono::milliseconds;

const std::string hostile_client = WSREPRO_TEST_HOSTILE_CLIENT;

std::string chromium() {
  if (const char* from_env = std::getenv("WSREPRO_CHROMIUM")) return from_env;
  return on_path("chromium");
}

// Passes with SIGINT: three runs give a histogram of interrupt_latency_ms.
const char* const markup_signal = R"(id = "test.markup_signal"
title = "A client that prints markup, ended by SIGINT"
headline = "interrupt_latency_ms"
deadline_ms = 4000

[server]
behaviour = "echo"

[[signal]]
send = "SIGINT"
after = "server.response"
delay_ms = 200

[expect]
interrupt_latency_ms = { max = 1000 }
)";

// Fails: only the deadline ends it, after wsrepro took its stacks.
const char* const markup_deadline = R"(id = "test.markup_deadline"
title = "A client that prints <b>markup</b> and never exits"
headline = "process_ms"
deadline_ms = 1500

[server]
behaviour = "echo"

[expect]
ended_by = "exit"
)";

struct browser_view {
  process_result dom;   ///< --dump-dom: the page after its script ran, and the console
  process_result shot;  ///< --screenshot
  std::string png;
};

browser_view open_in_chromium(const temp_dir& dir, const fs::path& page) {
  const std::vector<std::string> common{chromium(),
                                        "--headless",
                                        "--no-sandbox",  // root in CI containers
                                        "--disable-gpu",
                                        "--no-first-run",
                                        "--user-data-dir=" + (dir / "chromium"),
                                        "--enable-logging=stderr",
                                        "--v=0",
                                        "--hide-scrollbars",
                                        "--window-size=1400,2000"};
  browser_view view;
  auto dom = common;
  dom.insert(dom.end(), {"--dump-dom", "file://" + page.string()});
  view.dom = run_process(dom, milliseconds(90'000));
  auto shot = common;
  const fs::path png = dir / (page.parent_path().filename().string() + ".png");
  shot.insert(shot.end(), {"--screenshot=" + png.string(), "file://" + page.string()});
  view.shot = run_process(shot, milliseconds(90'000));
  view.png = read_text(png);
  return view;
}

/// The console lines Chromium logged: the page itself never logs, so each one is an error
/// (an exception, a refused resource, a CSP violation).
std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (contains(line, ":CONSOLE")) out.push_back(line);
  }
  return out;
}

std::uint32_t big_endian(const std::string& s, std::size_t at) {
  return (std::uint32_t{static_cast<unsigned char>(s[at])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(s[at + 3])};
}

struct pixels {
  std::size_t total = 0;
  std::size_t unlike_background = 0;  ///< pixels of another colour than the top-left one
  std::size_t colours = 0;            ///< distinct colours, counted up to 1000
};

int paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a);
  const int pb = std::abs(p - b);
  const int pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/// Decodes an 8-bit RGB or RGBA PNG (what Chromium writes) far enough to count its colours.
pixels count_pixels(const std::string& png) {
  pixels out;
  if (png.size() < 33 || png.compare(1, 3, "PNG") != 0) return out;
  const std::uint32_t width = big_endian(png, 16);
  const std::uint32_t height = big_endian(png, 20);
  const int depth = static_cast<unsigned char>(png[24]);
  const int colour_type = static_cast<unsigned char>(png[25]);
  if (depth != 8 || (colour_type != 2 && colour_type != 6)) return out;
  const std::size_t channels = colour_type == 6 ? 4 : 3;
  std::string compressed;
  for (std::size_t at = 8; at + 12 <= png.size();) {
    const std::uint32_t length = big_endian(png, at);
    if (png.compare(at + 4, 4, "IDAT") == 0) compressed += png.substr(at + 8, length);
    at += 12 + length;
  }
  const std::size_t stride = width * channels;
  std::string raw((stride + 1) * height, '\0');
  uLongf raw_size = raw.size();
  if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                 reinterpret_cast<const Bytef*>(compressed.data()), compressed.size()) != Z_OK) {
    return out;
  }
  std::vector<unsigned char> previous(stride, 0);
  std::vector<unsigned char> row(stride);
  std::set<std::uint32_t> colours;
  std::uint32_t background = 0;
  for (std::uint32_t y = 0; y < height; ++y) {
    const auto* line = reinterpret_cast<const unsigned char*>(raw.data()) + y * (stride + 1);
    const int filter = line[0];
    for (std::size_t i = 0; i < stride; ++i) {
      const int x = line[1 + i];
      const int a = i >= channels ? row[i - channels] : 0;
      const int b = previous[i];
      const int c = i >= channels ? previous[i - channels] : 0;
      const int predicted = filter == 1   ? a
                            : filter == 2 ? b
                            : filter == 3 ? (a + b) / 2
                            : filter == 4 ? paeth(a, b, c)
                                          : 0;
      row[i] = static_cast<unsigned char>(x + predicted);
    }
    for (std::size_t px = 0; px < width; ++px) {
      const std::uint32_t colour = (std::uint32_t{row[px * channels]} << 16) |
                                   (std::uint32_t{row[px * channels + 1]} << 8) |
                                   row[px * channels + 2];
      if (y == 0 && px == 0) background = colour;
      ++out.total;
      if (colour != background) ++out.unlike_background;
      if (colours.size() < 1000) colours.insert(colour);
    }
    previous = row;
  }
  out.colours = colours.size();
  return out;
}

void expect_a_drawn_page(const browser_view& view, const std::string& what) {
  EXPECT_EQ(view.dom.exit_code, 0) << what << describe(view.dom);
  EXPECT_EQ(view.shot.exit_code, 0) << what << describe(view.shot);
  EXPECT_TRUE(contains(view.dom.out, "data-rendered=\"true\""))
      << what << ": the script did not finish";
  const auto console = console_lines(view.dom.err + view.shot.err);
  EXPECT_TRUE(console.empty()) << what << ": the console said\n" << console.front();
  const pixels p = count_pixels(view.png);
  ASSERT_GT(p.total, 0u) << what << ": no PNG screenshot (" << view.png.size() << " bytes)";
  EXPECT_GT(p.unlike_background * 50, p.total) << what << ": under 2% of the screenshot is drawn";
  EXPECT_GE(p.colours, 5u) << what;
}

TEST(html_report, a_run_with_failures_repeats_and_markup_draws_and_runs_nothing_it_shows) {
  temp_dir dir;
  const fs::path scenarios = dir.path() / "scenarios";
  fs::create_directories(scenarios);
  write_text(scenarios / "markup_signal.toml", markup_signal);
  write_text(scenarios / "markup_deadline.toml", markup_deadline);
  const std::string client = hostile_client + " markup {url}";
  const auto run = run_wsrepro({"run", scenarios.string(), "--client-cmd", client, "--repeat", "3",
                                "--jobs", "2", "--out", dir / "out"},
                               milliseconds(120'000));
  ASSERT_EQ(run.exit_code, 1) << describe(run);  // the deadline runs fail
  const auto view = open_in_chromium(dir, dir.path() / "out" / "report.html");
  expect_a_drawn_page(view, "run");
  const std::string& dom = view.dom.out;
  for (const char* expected :
       {"id=\"verdicts\"", "id=\"need-look\"", "class=\"chart histogram\"", "class=\"swimlanes\"",
        "class=\"blocked mono\"", "class=\"sub wire\"", "class=\"badge fail\"",
        "class=\"badge pass\"", "class=\"output stdout\""}) {
    EXPECT_TRUE(contains(dom, expected)) << expected;
  }
  // The client's markup is on the page as text, and none of it became an element or ran.
  EXPECT_TRUE(contains(dom, "&lt;script&gt;document.title='PWNED'&lt;/script&gt;"));
  EXPECT_TRUE(contains(dom, "&lt;b id=\"pwned\"&gt;"));
  EXPECT_FALSE(contains(dom, "<img src=\"x\""));
  EXPECT_FALSE(contains(dom, "id=\"pwned\">"));
  EXPECT_TRUE(contains(dom, "<title>wsrepro report</title>"));
  EXPECT_EQ(std::count(dom.begin(), dom.end(), '\x01'), 0);
}

TEST(html_report, a_sweep_draws_the_headline_against_the_swept_value) {
  temp_dir dir;
  const auto sweep = run_wsrepro({"sweep", keep_open_id, "--param", "status=301..303:1", "--client",
                                  "beast-async", "--out", dir / "out"},
                                 milliseconds(120'000));
  ASSERT_EQ(sweep.exit_code, 0) << describe(sweep);
  const auto view = open_in_chromium(dir, dir.path() / "out" / "report.html");
  expect_a_drawn_page(view, "sweep");
  EXPECT_TRUE(contains(view.dom.out, "class=\"chart sweep\""));
  EXPECT_TRUE(contains(view.dom.out, "hang_ms against status"));
}

}  // namespace
