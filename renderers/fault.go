package renderers

// PluginFault is implemented by the failure of a renderer that runs as a
// separate process (a plugin): it did not start, crashed, broke the
// protocol or missed its deadline. The service answers such a failure as
// an upstream fault (502) naming the plugin, without importing the plugin
// host.
type PluginFault interface {
	error
	// PluginFault returns the plugin's name and the cause of its failure.
	PluginFault() (plugin string, cause error)
}
