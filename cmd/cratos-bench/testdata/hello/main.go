// Command hello is what TestGoBuild builds: cratos-bench's own build of
// the programs it measures, on a program that compiles in a moment.
package main

import "os"

func main() { _, _ = os.Stdout.WriteString("hello\n") }
