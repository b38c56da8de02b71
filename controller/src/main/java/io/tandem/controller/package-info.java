/**
 * The Tandem controller: the cluster's desired state in SQL, served through a REST API that
 * speaks LINSTOR's REST API v1. Feature packages ({@code node}, {@code pool}, {@code group},
 * {@code resource}, {@code kvstore}, {@code errorreport}, {@code cluster}) own their entities,
 * services and endpoints; {@code rest} holds the wire rules they share.
 */
package io.tandem.controller;
