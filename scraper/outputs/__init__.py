"""Outputs: what users read from the archive: the browse site, the WACZ replay
package, exports, notifications and the Datasette server.
"""
