require "net/http"
require "yaml"

creds = YAML.load_file(File.join(Dir.home, ".gem/credentials"))
gem_file = Dir["*.gem"].max_by { |f| File.mtime(f) } or abort("build the gem first")
uri = URI("https://rubygems.org/api/v1/gems")
req = Net::HTTP::Post.new(uri)
req["Authorization"] = creds[:rubygems_api_key]
req["Content-Type"] = "application/octet-stream"
req.body = File.binread(gem_file)
res = Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |h| h.request(req) }
puts "#{res.code} #{res.body}"
