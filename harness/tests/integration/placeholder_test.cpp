#include <gtest/gtest.h>
TEST(placeholder, unit) { SUCCEED(); }
