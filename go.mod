module github.com/pgrad/pgrad

go 1.26.8
