// kg-bench COMMAND ...: runs kg-bench-COMMAND (see tools/dispatch.h).
#include "tools/dispatch.h"

int main(int argc, char** argv) { return kg::tools::DispatchToSibling("kg-bench", argc, argv); }
