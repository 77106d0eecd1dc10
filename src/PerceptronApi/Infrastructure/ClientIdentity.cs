using System.Net;
using System.Net.Sockets;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Who a request comes from, for per-client limits: the API key's name when the request carries a valid key, else
/// the client's address (the forwarded one only when it came through a configured proxy, see
/// <see cref="ForwardedHeadersSetup"/>).
/// </summary>
public static class ClientIdentity
{
    /// <summary>
    /// <c>key:&lt;name&gt;</c> for a request with a valid API key, else <c>address:&lt;ip&gt;</c>. An IPv6 client is
    /// counted by its /64 network, the block one subscriber usually holds, so it cannot dodge a limit by changing the
    /// low bits of its address.
    /// </summary>
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (ApiKeyAuthentication.OwnerOf(context.User) is { } name)
        {
            return $"key:{name}";
        }

        return context.Connection.RemoteIpAddress is { } address ? $"address:{Network(address)}" : "address:unknown";
    }

    /// <summary>The address as a client key: IPv4 as it is, IPv6 by its /64 network (an IPv4 address mapped to IPv6 as IPv4).</summary>
    internal static string Network(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"{new IPAddress(bytes)}/64";
    }
}
