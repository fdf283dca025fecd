// Package all registers every built-in renderer: import it for its side
// effect, as cmd/cratos does.
package all

import (
	_ "github.com/cratos-project/cratos/renderers/b64"             // b64
	_ "github.com/cratos-project/cratos/renderers/checkpoint"      // checkpoint
	_ "github.com/cratos-project/cratos/renderers/csv"             // csv
	_ "github.com/cratos-project/cratos/renderers/defender"        // defender
	_ "github.com/cratos-project/cratos/renderers/dnsmasq"         // dnsmasq
	_ "github.com/cratos-project/cratos/renderers/edl"             // edl
	_ "github.com/cratos-project/cratos/renderers/elastic"         // elastic
	_ "github.com/cratos-project/cratos/renderers/f5"              // f5
	_ "github.com/cratos-project/cratos/renderers/fortinet"        // fortinet
	_ "github.com/cratos-project/cratos/renderers/haproxy"         // haproxy
	_ "github.com/cratos-project/cratos/renderers/ipset"           // ipset
	_ "github.com/cratos-project/cratos/renderers/json"            // json
	_ "github.com/cratos-project/cratos/renderers/junos"           // junos
	_ "github.com/cratos-project/cratos/renderers/nftables"        // nftables
	_ "github.com/cratos-project/cratos/renderers/rpz"             // rpz
	_ "github.com/cratos-project/cratos/renderers/squid"           // squid
	_ "github.com/cratos-project/cratos/renderers/stix21"          // stix21
	_ "github.com/cratos-project/cratos/renderers/suricata"        // suricata
	_ "github.com/cratos-project/cratos/renderers/suricatadataset" // suricata-dataset
	_ "github.com/cratos-project/cratos/renderers/txt"             // txt
	_ "github.com/cratos-project/cratos/renderers/unbound"         // unbound
	_ "github.com/cratos-project/cratos/renderers/xml"             // xml
	_ "github.com/cratos-project/cratos/renderers/yaml"            // yaml
	_ "github.com/cratos-project/cratos/renderers/zeek"            // zeek
)
