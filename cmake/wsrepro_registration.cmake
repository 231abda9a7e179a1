# Plug-ins (behaviours, report formats) are one file each in a folder and register themselves
# through a function named after the file. This generates the table that calls them all, so
# adding a plug-in is adding one file, and static linking keeps every one of them.
#   wsrepro_registration_table(SOURCES_VAR KIND DIR)
# sets SOURCES_VAR to DIR/*.cpp plus the generated builtin_KINDs.cpp, which defines
# wsrepro_register_builtin_KINDs() calling wsrepro_register_KIND_<file stem>() for each file.
function(wsrepro_registration_table sources_var kind dir)
  file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  set(declarations "")
  set(calls "")
  foreach(source IN LISTS sources)
    get_filename_component(stem ${source} NAME_WE)
    string(APPEND declarations "void wsrepro_register_${kind}_${stem}();\n")
    string(APPEND calls "  wsrepro_register_${kind}_${stem}();\n")
  endforeach()
  set(table ${CMAKE_CURRENT_BINARY_DIR}/builtin_${kind}s.cpp)
  file(CONFIGURE OUTPUT ${table}
       CONTENT "// Generated from ${dir}/*.cpp; do not edit.\n${declarations}\nvoid wsrepro_register_builtin_${kind}s() {\n${calls}}\n")
  set(${sources_var} ${sources} ${table} PARENT_SCOPE)
endfunction()
