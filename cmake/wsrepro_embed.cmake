# Text files compiled into the program (report.html's script and style sheet), so the binary
# writes a self-contained page without looking for files at run time, while the sources stay
# real .js and .css files that editors and linters understand.
#   wsrepro_embed_text(SOURCES_VAR SYMBOL FILE)
# appends to SOURCES_VAR a generated .cpp defining `extern const std::string_view SYMBOL`
# (namespace wsrepro::embedded) with FILE's text; it is regenerated when FILE changes.
set(WSREPRO_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_FILE})

if(CMAKE_SCRIPT_MODE_FILE)
  # Script mode: cmake -DSYMBOL=... -DINPUT=... -DOUTPUT=... -P wsrepro_embed.cmake
  file(READ ${INPUT} content)
  string(FIND "${content}" ")wsrepro_embed\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${INPUT} contains the raw string delimiter )wsrepro_embed\"")
  endif()
  file(WRITE ${OUTPUT}
       "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n"
       "namespace wsrepro::embedded {\nextern const std::string_view ${SYMBOL};\n"
       "const std::string_view ${SYMBOL} = R\"wsrepro_embed(${content})wsrepro_embed\";\n}\n")
  return()
endif()

function(wsrepro_embed_text sources_var symbol file)
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cpp)
  add_custom_command(
    OUTPUT ${generated}
    COMMAND ${CMAKE_COMMAND} -DSYMBOL=${symbol} -DINPUT=${file} -DOUTPUT=${generated}
            -P ${WSREPRO_EMBED_SCRIPT}
    DEPENDS ${file} ${WSREPRO_EMBED_SCRIPT}
    COMMENT "Embedding ${file}")
  # A page's script may pass the 64 KiB that ISO C++ promises for a literal; GCC takes any.
  set_source_files_properties(${generated} PROPERTIES COMPILE_OPTIONS -Wno-overlength-strings)
  set(${sources_var} ${${sources_var}} ${generated} PARENT_SCOPE)
endfunction()
