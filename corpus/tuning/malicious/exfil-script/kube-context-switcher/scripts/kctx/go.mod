module github.com/kctx-tools/kctx

go 1.22
