// kg-eval COMMAND ...: runs kg-eval-COMMAND (see tools/dispatch.h).
#include "tools/dispatch.h"

int main(int argc, char** argv) { return kg::tools::DispatchToSibling("kg-eval", argc, argv); }
