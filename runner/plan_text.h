#pragma once
// Small text helpers shared by the plan's parsers and the command line (internal to runner/ and app/).

// splitList, joinList, trim and formatNumber live in analysis/ (number_text.h), below the runner.
#include "number_text.h"
