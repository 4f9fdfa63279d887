// Command etcd is the etcd server: etcd's server module has no installable main package,
// so this calls its etcdmain package, exactly as etcd's own main does.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
