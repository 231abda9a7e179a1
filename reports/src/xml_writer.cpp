#include "xml_writer.hpp"

#include <cassert>

#include "format.hpp"

namespace wsrepro::reports {

namespace {

std::string escape(std::string_view raw, bool attribute) {
  const std::string clean = clean_utf8(raw);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_xml_text(std::string_view text) { return escape(text, false); }

std::string escape_xml_attribute(std::string_view value) { return escape(value, true); }

void xml_writer::declaration() { out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }

void xml_writer::start(std::string_view name) {
  close_start_tag();
  if (!stack_.empty()) {
    // Indenting inside an element that has text would change that text.
    if (!stack_.back().has_text) {
      if (!stack_.back().has_children) out_ << '\n';
      indent(stack_.size());
    }
    stack_.back().has_children = true;
  } else {
    indent(0);
  }
  out_ << '<' << name;
  stack_.push_back({std::string(name)});
  start_tag_open_ = true;
}

void xml_writer::attribute(std::string_view name, std::string_view value) {
  assert(start_tag_open_ && "attributes must come before content");
  out_ << ' ' << name << "=\"" << escape_xml_attribute(value) << '"';
}

void xml_writer::text(std::string_view text) {
  assert(!stack_.empty());
  close_start_tag();
  out_ << escape_xml_text(text);
  stack_.back().has_text = true;
}

void xml_writer::fragment(std::string_view xml) {
  assert(!stack_.empty());
  if (xml.empty()) return;
  close_start_tag();
  if (!stack_.back().has_children && !stack_.back().has_text) out_ << '\n';
  out_ << xml;
  stack_.back().has_children = true;
}

void xml_writer::end() {
  assert(!stack_.empty());
  const open_element e = std::move(stack_.back());
  stack_.pop_back();
  if (start_tag_open_) {
    out_ << "/>\n";
    start_tag_open_ = false;
    return;
  }
  if (e.has_children && !e.has_text) indent(stack_.size());
  out_ << "</" << e.name << ">\n";
}

void xml_writer::empty(
    std::string_view name,
    std::initializer_list<std::pair<std::string_view, std::string_view>> attributes) {
  start(name);
  for (const auto& [k, v] : attributes) attribute(k, v);
  end();
}

void xml_writer::close_start_tag() {
  if (!start_tag_open_) return;
  out_ << '>';
  start_tag_open_ = false;
}

void xml_writer::indent(std::size_t depth) {
  out_ << std::string(2 * (depth + static_cast<std::size_t>(base_depth_)), ' ');
}

}  // namespace wsrepro::reports
