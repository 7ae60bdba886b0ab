// Package ociimage packs the load tester as an OCI image without Docker: a static linux/amd64 build of
// ./loadtest, alone in one layer on no base image (CA roots are compiled into it), run as a non-root
// user, with fixed timestamps so that the same binary always gives the same digest and tag; and it
// pushes that image to a registry such as ECR.
package ociimage
