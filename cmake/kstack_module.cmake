# kstack_module(NAME <name> [DEPS <targets>...] [TEST_DEPS <targets>...] [TEST_LABELS <labels>...])
#
# Every *.cc in the calling directory except *_test.cc becomes the static
# library kstack_<name>; every *_test.cc becomes part of the test program
# <name>_test (GoogleTest), registered with CTest under the label "unit"
# unless TEST_LABELS says otherwise.
function(kstack_module)
  cmake_parse_arguments(M "" "NAME" "DEPS;TEST_DEPS;TEST_LABELS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(tests)
    list(REMOVE_ITEM sources ${tests})
  endif()
  list(FILTER sources EXCLUDE REGEX "/main\\.cc$")
  add_library(kstack_${M_NAME} STATIC ${sources})
  target_include_directories(kstack_${M_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(kstack_${M_NAME} PUBLIC ${M_DEPS})
  if(tests)
    add_executable(${M_NAME}_test ${tests})
    target_link_libraries(${M_NAME}_test PRIVATE kstack_${M_NAME} ${M_TEST_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(${M_NAME}_test PRIVATE
      KSTACK_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      KSTACK_BINARY_DIR="${PROJECT_BINARY_DIR}")
    if(NOT M_TEST_LABELS)
      set(M_TEST_LABELS unit)
    endif()
    gtest_discover_tests(${M_NAME}_test
      DISCOVERY_MODE PRE_TEST
      PROPERTIES LABELS "${M_TEST_LABELS}")
  endif()
endfunction()
