# wxcast container image: a static binary on distroless, run as non-root.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t wxcast .
#   docker build --build-arg GOPROXY=https://goproxy.cn,direct ...   # from mainland China
#
# The build line below is also run by TestContainerBuild (internal/deploytest),
# which checks that it gives a static binary that prints the stamped
# version: keep it on one line.

FROM golang:1.26 AS build
WORKDIR /src
ARG GOPROXY=https://proxy.golang.org,direct
ENV GOPROXY=${GOPROXY}
COPY go.mod go.sum ./
RUN go mod download -x
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/wxcast ./cmd/wxcast

# distroless/static holds CA certificates, /etc/passwd with the nonroot
# user and nothing else; the binary embeds the time zone database.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/wxcast /usr/local/bin/wxcast
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/wxcast"]
CMD ["serve"]
