#pragma once
// A minimal streaming XML writer for the JUnit report. It owns all escaping: every string it
// is given passes through clean_utf8 first, so arbitrary client bytes can't break the document.

#include <cstddef>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsrepro::reports {

/// Escapes character data: & < > (and \r, which parsers would otherwise normalise away).
std::string escape_xml_text(std::string_view text);
/// Escapes an attribute value: also " ' and \t \n, which parsers would turn into spaces.
std::string escape_xml_attribute(std::string_view value);

class xml_writer {
 public:
  /// depth: the indentation level of the first element, for writing a fragment of a document.
  explicit xml_writer(std::ostream& out, int depth = 0) : out_(out), base_depth_(depth) {}

  void declaration();
  /// Opens <name; attributes may follow until the first child or text.
  void start(std::string_view name);
  void attribute(std::string_view name, std::string_view value);
  /// Character data inside the current element, written as is (no indentation added).
  void text(std::string_view text);
  /// Child elements another xml_writer wrote at the right depth, copied through unchanged.
  void fragment(std::string_view xml);
  /// Closes the current element, as <name/> when it has no content.
  void end();
  /// start + attributes + end, for the common empty element.
  void empty(std::string_view name,
             std::initializer_list<std::pair<std::string_view, std::string_view>> attributes);

 private:
  struct open_element {
    std::string name;
    bool has_children = false;
    bool has_text = false;
  };

  void close_start_tag();
  void indent(std::size_t depth);

  std::ostream& out_;
  int base_depth_;
  std::vector<open_element> stack_;
  bool start_tag_open_ = false;
};

}  // namespace wsrepro::reports
