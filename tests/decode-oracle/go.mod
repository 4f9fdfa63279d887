// Editors' module file only: build.sh builds with ca-1.NN.mod (-modfile), one per CA version.
module decode-oracle

go 1.21
