// Package clickhouse is eventscope's production store on ClickHouse,
// through clickhouse-go v2 over the native protocol.
package clickhouse
