package main

import "github.com/cratos-project/cratos/plugins"

func main() { plugins.Serve(Renderer{}) }
